"""Builds the optional C accelerators; the package works without them (NumPy and pure-Python twins)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bluezone.protocol._fastcrypto",
            sources=["src/bluezone/protocol/_fastcrypto.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "bluezone.sim._scans",
            sources=["src/bluezone/sim/_scans.c"],
            # No fused multiply-adds: the NumPy twin rounds every product, and must draw the same scans.
            extra_compile_args=["-O3", "-ffp-contract=off"],
            optional=True,
        ),
    ]
)
