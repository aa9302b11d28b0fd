"""The ASGI application: routes that translate HTTP to the domain services and back."""
