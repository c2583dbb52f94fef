package org.bankapi.web;

import java.util.List;

/** One page of a keyset-paginated list: {@code {"items": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
