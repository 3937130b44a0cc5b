"""The flow format: what a flow file says and how it is read.

Models of a flow (nodes, steps, fields, routes, catalog), YAML read safely
with the position of every key and value, the loader that validates text into
models and reports problems at file:line:col, the condition language, word
templates with placeholders, money, dates, the flow as a graph and its
picture, the per-flow lookup index and the cache of validated flows.

The lowest layer: it imports nothing else of callflow. Everything else may
import it.
"""
