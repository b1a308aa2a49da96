"""Date formats per language (settings.FORMAT_MODULE_PATH); only where Django's differ from
what the district's readers expect."""
