# ui: rules of this room.
