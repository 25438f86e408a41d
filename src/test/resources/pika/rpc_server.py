#!/usr/bin/env python3
"""Callback-queue RPC server from the LavinMQ documentation article
"LavinMQ Remote procedure call", run against brokersim.

The article describes the server in prose only ("The RPC worker/consumer, i.e. the remote server, is
waiting for requests on that queue (rpc_queue) and handles the request once received. The result is
sent back to the broker by the remote server using the reply_to field"); this is that server, written
with the same pika calls as the article's client. Usage: rpc_server.py PORT REQUESTS
"""
import sys

import pika

port, requests = int(sys.argv[1]), int(sys.argv[2])
connection = pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port))
channel = connection.channel()
channel.queue_declare(queue='rpc_queue')
served = 0


def on_request(ch, method, props, body):
    global served
    response = b'pong:' + body
    ch.basic_publish(exchange='',
                     routing_key=props.reply_to,
                     properties=pika.BasicProperties(correlation_id=props.correlation_id),
                     body=response)
    ch.basic_ack(delivery_tag=method.delivery_tag)
    served += 1
    if served == requests:
        ch.stop_consuming()


channel.basic_qos(prefetch_count=1)
channel.basic_consume(queue='rpc_queue', on_message_callback=on_request)
print('server ready', flush=True)
channel.start_consuming()
connection.close()
print('server served %d' % served, flush=True)
