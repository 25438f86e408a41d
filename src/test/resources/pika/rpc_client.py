#!/usr/bin/env python3
"""Callback-queue RPC client from the LavinMQ documentation article
"LavinMQ Remote procedure call", run against brokersim.

The article's code, in its order, with only the changes pika needs to run it; each is marked FIX.
Usage: rpc_client.py PORT REQUESTS
"""
import sys
import uuid

import pika

port, requests = int(sys.argv[1]), int(sys.argv[2])
# FIX: the article assumes an open `channel`; open one.
connection = pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port))
channel = connection.channel()

# Article: callback_queue = channel.queue_declare(queue='', exclusive=True)
# FIX: queue_declare returns a Method frame; the server-generated queue name is its .method.queue.
callback_queue = channel.queue_declare(queue='', exclusive=True).method.queue

responses = {}


def on_response(ch, method, props, body):
    responses[props.correlation_id] = body


# FIX: the article never consumes the callback queue ("the callback queue is where the client/consumer
# waits for data"); without a consumer no reply is ever read.
channel.basic_consume(queue=callback_queue, on_message_callback=on_response, auto_ack=True)

for i in range(requests):
    request = 'ping-%d' % i
    # FIX: correlation_id must be a str; the article leaves it undefined ("a unique value").
    correlation_id = str(uuid.uuid4())
    channel.basic_publish(exchange='',
                          routing_key='rpc_queue',
                          properties=pika.BasicProperties(
                              reply_to=callback_queue,
                              correlation_id=correlation_id),
                          body=request)
    # FIX: wait for the reply (bounded), which the article leaves to "your consumer".
    connection.process_data_events(time_limit=0)
    deadline = 100
    while correlation_id not in responses and deadline > 0:
        connection.process_data_events(time_limit=0.1)
        deadline -= 1
    if correlation_id not in responses:
        print('no reply to %s' % request, flush=True)
        sys.exit(1)
    print('%s -> %s' % (request, responses.pop(correlation_id).decode('utf-8')), flush=True)

connection.close()
