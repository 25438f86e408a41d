/**
 * JMH microbenchmarks of brokersim's hot paths. Build and run (docs/benchmarks.md):
 *
 * <pre>
 * mvn -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar            # everything, about 4 minutes
 * java -jar benchmarks/target/benchmarks.jar Routing -p bindings=1000
 * </pre>
 */
package io.brokersim.benchmarks;
