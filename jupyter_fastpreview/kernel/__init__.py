"""What the notebook kernel uses: the App API, its files, and the link to the server."""
