"""ptplan: explainable exercise-therapy planning for chronic low back pain with or without knee pain."""

__version__ = "0.1.0"
