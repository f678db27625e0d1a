2
bulid
