"""Views of the cases app, one module per concern: ``workspace`` (the reviewer's queue and case page),
``letters`` (letter status and download)."""
