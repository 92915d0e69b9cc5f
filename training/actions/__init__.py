"""Rasa custom actions that answer from the service hall assistant's HTTP API."""
