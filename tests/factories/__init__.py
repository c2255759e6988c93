"""factory_boy factories of the project's models, one module per app.

Builders that tell a story (a published library, a city of agents) live in tests/support
and use these.
"""

import itertools

# One counter for every factory, so that titles and slugs never repeat between kinds.
numbers = itertools.count(1)


def next_number():
    return next(numbers)
