import sys

try:
    from .cli import entry
except KeyboardInterrupt:  # Ctrl-C while starting up
    print("ocrfix: interrupted", file=sys.stderr)
    sys.exit(130)

entry()
