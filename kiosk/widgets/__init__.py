"""Kiosk widgets; their look is in kiosk.kv."""
