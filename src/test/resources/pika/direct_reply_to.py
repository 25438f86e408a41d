#!/usr/bin/env python3
"""The direct reply-to ping from the LavinMQ documentation article
"LavinMQ Remote procedure call", run against brokersim's lavinmq profile.

The article's code, in its order, with only the changes needed to run it; each is marked FIX.
Usage: direct_reply_to.py PORT
"""
import sys

import pika
# FIX: the article uses BasicProperties unqualified.
from pika import BasicProperties

port = int(sys.argv[1])
# FIX: the article assumes an open `channel`; open one.
connection = pika.BlockingConnection(pika.ConnectionParameters(host='127.0.0.1', port=port))
channel = connection.channel()
RECEIVED_HELLO = False


def client_consumer_callback(ch, method, properties, body):
    msg = body.decode('utf-8')
    if msg in "Hello from Consumer":
        print("TARGET MACHINE IS ACTIVE", flush=True)
        global RECEIVED_HELLO
        RECEIVED_HELLO = True
    else:
        print("RECEIVED UNEXPECTED MESSAGE", flush=True)
    ch.close()


# Article: channel.consume("amq.direct.reply-to", on_message_callback=client_consumer_callback)
# FIX: BlockingChannel.consume() is a generator without a callback; the callback API is basic_consume,
# and the reply pseudo-queue must be consumed in no-ack mode ("Send a message in no-ack mode").
channel.basic_consume(queue="amq.direct.reply-to", on_message_callback=client_consumer_callback, auto_ack=True)


def consumer_callback(ch, method, properties, body):
    msg = body.decode('utf-8')
    if msg in "Hello World":
        basic_props = BasicProperties()
        ch.basic_publish(exchange='', routing_key=properties.reply_to, properties=basic_props,
                         body="Hello from Consumer")
        ch.basic_ack(delivery_tag=method.delivery_tag)
    else:
        print("RECEIVED UNEXPECTED MESSAGE", flush=True)


# Article: channel.consume("amq.direct.reply-to", on_message_callback=consumer_callback)
# FIX: the "remote machine" must consume the request queue, not the reply pseudo-queue (a second reply
# consumer gets no requests: nothing is published to amq.direct.reply-to itself). The article publishes
# the request with routing_key="", which the default exchange routes nowhere, so the request queue is
# declared here and named in the publish below.
channel.queue_declare(queue="ping")
channel.basic_consume(queue="ping", on_message_callback=consumer_callback)

basic_props = BasicProperties(
    reply_to="amq.direct.reply-to"
)

# Article: channel.basic_publish('', routing_key="", properties=basic_props, body="Hello World")
# FIX: routing_key "ping" (see above).
channel.basic_publish('', routing_key="ping", properties=basic_props, body="Hello World")

# FIX: the article never runs the I/O loop; wait (bounded) for the reply.
for _ in range(100):
    if RECEIVED_HELLO or not channel.is_open:
        break
    connection.process_data_events(time_limit=0.1)

connection.close()
sys.exit(0 if RECEIVED_HELLO else 1)
