"""Stand-in for Lightning's AttributeDict (a dict subclass)."""


class AttributeDict(dict):
    pass
