"""catgen: a git-native registry for machine-learning assets."""

__version__ = "0.1.0"
