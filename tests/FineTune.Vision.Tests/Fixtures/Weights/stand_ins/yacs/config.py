"""Stand-in for yacs.config.CfgNode: a dict subclass, as in yacs."""


class CfgNode(dict):
    pass
