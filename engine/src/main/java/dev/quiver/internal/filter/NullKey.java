package dev.quiver.internal.filter;

/** Stands for a JSON null among the index's value keys (maps cannot hold a null key usefully). */
enum NullKey { NULL }
