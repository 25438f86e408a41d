#!/usr/bin/env python3
"""pika over TLS (amqps) against brokersim, trusting the CA brokersim generated (docs/wire.md).

Usage: tls.py PORT CA_PEM
Verifies the server's certificate for host name "localhost", declares a queue, publishes to it, reads the
message back and prints "tls <protocol> got <body>".
"""
import ssl
import sys

import pika

port = int(sys.argv[1])
context = ssl.create_default_context(cafile=sys.argv[2])
params = pika.ConnectionParameters(host='localhost', port=port,
                                   ssl_options=pika.SSLOptions(context, server_hostname='localhost'))
connection = pika.BlockingConnection(params)
channel = connection.channel()
channel.queue_declare(queue='over-tls', durable=True)
channel.basic_publish(exchange='', routing_key='over-tls', body='secret')
method, properties, body = None, None, None
while method is None:
    method, properties, body = channel.basic_get(queue='over-tls', auto_ack=True)
protocol = connection._impl._transport._sock.version()
print(f'tls {protocol} got {body.decode("utf-8")}', flush=True)
connection.close()
