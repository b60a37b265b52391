"""The published OpenAPI document, made true to what the API does."""
