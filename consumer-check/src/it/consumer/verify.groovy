// Runs after both builds of invoker.properties: the first passed its tests (the invoker checked that); the
// second, with brokersim-cli's dependencies, must have been stopped by each rule of the dependency check.
def log = new File(basedir, 'build.log').text
def expected = [
    'ch.qos.logback:logback-classic',                 // bannedDependencies: a logging backend
    'info.picocli:picocli',                           // bannedDependencies: the CLI's parser
    'Dependency convergence error for com.rabbitmq:amqp-client',   // a second amqp-client version
]
expected.each { assert log.contains(it) : "the regression build's log does not name ${it}" }
assert log.contains('Tests run:') : 'the consumer build ran no tests'
assert !(log =~ /Tests run: \d+, Failures: [1-9]/) : 'a consumer test failed'
return true
