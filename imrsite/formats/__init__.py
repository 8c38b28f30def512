"""Date formats of the whole site (FORMAT_MODULE_PATH): MM/DD/YYYY, as the letters print dates."""
