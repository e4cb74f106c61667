# src/sandbox: rules of this room.
