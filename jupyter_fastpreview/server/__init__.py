"""The Jupyter server side of fastpreview: the extension app and its HTTP handlers."""
