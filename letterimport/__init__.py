"""Importing published Final Determination Letters (PDF or pdftotext text) as decided cases (docs/adr/0008)."""

# Bumped whenever a change to the parser can change what a letter imports as; stored with every import.
IMPORTER_VERSION = "1.0"
