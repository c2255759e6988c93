"""The product's one memo per request (or per object): what several parts of a page ask
for is computed once.

Values live in the object's ``intranet_memo`` attribute, a name of ours. A layer above the
kernel may *provide* several values from one query (`provide`), so that the kernel asks for
a value without importing the code that computes it with others.
"""

MEMO = "intranet_memo"
PROVIDERS = "intranet_memo_providers"


def remembered(owner, name, compute):
    """``owner``'s memo of ``name``: from a provider registered for it, else ``compute()``,
    either once."""
    memo = memo_of(owner)
    if name not in memo:
        providers = getattr(owner, PROVIDERS, {})
        load = providers.get(name)
        if load is not None:
            for provided, value in load().items():
                memo.setdefault(provided, value)
            for spent in [key for key, other in providers.items() if other is load]:
                del providers[spent]
        if name not in memo:
            memo[name] = compute()
    return memo[name]


def provide(owner, names, load):
    """The first time one of ``names`` is asked of ``owner``, ``load()`` — a dict holding
    them all — supplies every one of them at once."""
    providers = getattr(owner, PROVIDERS, None)
    if providers is None:
        providers = {}
        setattr(owner, PROVIDERS, providers)
    for name in names:
        providers[name] = load


def forget(owner, *names):
    """Drop memos of ``owner`` (all of them without ``names``): after a change they reflect."""
    memo = memo_of(owner)
    for name in names or list(memo):
        memo.pop(name, None)


def memo_of(owner):
    # getattr and setattr, not __dict__: request.user is a lazy object that forwards them to
    # the agent it wraps, so the memo lives on the agent whichever reference is used.
    memo = getattr(owner, MEMO, None)
    if memo is None:
        memo = {}
        setattr(owner, MEMO, memo)
    return memo
