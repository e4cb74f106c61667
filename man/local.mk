# man: the manual pages, kept in step with the commands and keys that exist.
dist_man_MANS += man/hoist.1 man/hoist.conf.5
