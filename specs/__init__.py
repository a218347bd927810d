"""The bundled specs, importable as `mockserver.specs` so installed servers find them."""
