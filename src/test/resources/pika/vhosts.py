#!/usr/bin/env python3
"""pika against brokersim with two vhosts and a user with per-vhost permissions (semantics §13).

Usage: vhosts.py PORT
As alice (password "alice", permissions only in vhost "staging": configure/read "^app\\.", write "^app\\."):
prints "open / ConnectionClosedByBroker: (<code>) "<text>"" for the refused connection.open on "/", then in "staging" declares app.jobs,
publishes to it through app.x and reads it back ("got <body>"), then publishes to amq.topic, which is refused:
"closed <code> <text>".
"""
import sys

import pika

port = int(sys.argv[1])
credentials = pika.PlainCredentials('alice', 'alice')

try:
    pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port, virtual_host='/',
                                                      credentials=credentials))
    print('open / ok', flush=True)
except pika.exceptions.AMQPConnectionError as e:
    # pika reports a close during connection.open as ProbableAccessDeniedError, with the broker's code and text
    print(f'open / {e}', flush=True)

connection = pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port, virtual_host='staging',
                                                               credentials=credentials))
channel = connection.channel()
channel.exchange_declare(exchange='app.x', exchange_type='direct')
channel.queue_declare(queue='app.jobs', durable=True)
channel.queue_bind(queue='app.jobs', exchange='app.x', routing_key='jobs')
channel.basic_publish(exchange='app.x', routing_key='jobs', body='job-1')
method, properties, body = None, None, None
while method is None:
    method, properties, body = channel.basic_get(queue='app.jobs', auto_ack=True)
print('got ' + body.decode('utf-8'), flush=True)
try:
    channel.basic_publish(exchange='amq.topic', routing_key='k', body='refused')
    channel.queue_declare(queue='app.jobs', passive=True)
    print('closed none', flush=True)
except pika.exceptions.ChannelClosedByBroker as e:
    print(f'closed {e.reply_code} {e.reply_text}', flush=True)
connection.close()
