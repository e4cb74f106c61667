# bench: rules of this room.
