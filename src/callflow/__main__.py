"""`python -m callflow` is the `callflow` command."""

from callflow.cli import main

if __name__ == "__main__":
    main()
