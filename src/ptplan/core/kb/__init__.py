"""Knowledge base: schema, loader, integrity checks, statistics."""
