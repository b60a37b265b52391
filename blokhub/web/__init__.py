"""The browser app: hand-written static files (no build step) and the routes that serve them."""
