"""Builds the optional C accelerator; the package works without it (pure-Python fallback)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bluezone.protocol._fastcrypto",
            sources=["src/bluezone/protocol/_fastcrypto.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
