#!/usr/bin/env python3
"""pika against brokersim's lavinmq profile: a priority queue serves an urgent message first, and a queue with
x-consumer-timeout closes the channel of a consumer that never acks (semantics §10, §12).

Usage: queue_features.py PORT
Prints "order <bodies in delivery order>", then "closed <code> <text>".
"""
import sys

import pika

port = int(sys.argv[1])
connection = pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port))
channel = connection.channel()

channel.queue_declare(queue='jobs', durable=True, arguments={'x-max-priority': 10})
for i in range(3):
    channel.basic_publish(exchange='', routing_key='jobs', body=f'normal-{i}')
channel.basic_publish(exchange='', routing_key='jobs', body='urgent', properties=pika.BasicProperties(priority=9))
order = []
while True:
    method, properties, body = channel.basic_get(queue='jobs', auto_ack=True)
    if method is None:
        break
    order.append(body.decode('utf-8'))
print('order ' + ' '.join(order), flush=True)

channel.queue_declare(queue='slow', durable=True, arguments={'x-consumer-timeout': 200})
channel.basic_publish(exchange='', routing_key='slow', body='job')
channel.basic_consume(queue='slow', on_message_callback=lambda ch, method, properties, body: None, auto_ack=False)
try:
    channel.start_consuming()
except pika.exceptions.ChannelClosedByBroker as e:
    print(f'closed {e.reply_code} {e.reply_text}', flush=True)
connection.close()
