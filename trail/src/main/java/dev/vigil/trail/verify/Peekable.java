package dev.vigil.trail.verify;

import java.util.Iterator;

/** An iterator that can look at its next element without taking it: chains are cut where the chain id changes. */
final class Peekable<T> implements Iterator<T> {
    private final Iterator<T> it;
    private T peeked;

    Peekable(Iterator<T> it) {
        this.it = it;
    }

    @Override
    public boolean hasNext() {
        return peeked != null || it.hasNext();
    }

    T peek() {
        if (peeked == null) {
            peeked = it.next();
        }
        return peeked;
    }

    @Override
    public T next() {
        if (peeked != null) {
            T t = peeked;
            peeked = null;
            return t;
        }
        return it.next();
    }
}
