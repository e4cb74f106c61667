# man: rules of this room.
