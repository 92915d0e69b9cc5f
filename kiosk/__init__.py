"""Touch kiosk (触摸查询一体机): a Kivy channel over the assistant's backend. No business logic here."""

__all__ = ["__version__"]
__version__ = "0.1.0"
