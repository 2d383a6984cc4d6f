"""(being written)"""

DECLARATIONS: list = []
