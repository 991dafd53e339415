package io.ferrum.conductor;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A consistent hash ring over conductor names: each key (a node's UUID) belongs to the member whose
 * point follows the key's hash on the ring. Each member has {@value #POINTS} points, which spreads
 * keys evenly; when a member joins or leaves, only the keys between its points and their
 * predecessors move, about 1/N of them. Every conductor that sees the same members computes the
 * same owner. Immutable and thread-safe.
 */
final class HashRing {

  /** Points per member: enough to keep every member within a few percent of its fair share. */
  static final int POINTS = 128;

  private final NavigableMap<Long, String> points = new TreeMap<>();
  private final Set<String> members;

  HashRing(Collection<String> members) {
    this.members = Set.copyOf(new TreeSet<>(members));
    for (String member : new TreeSet<>(members)) {
      for (int i = 0; i < POINTS; i++) {
        // On a rare collision the member first in name order keeps the point: the same everywhere.
        points.putIfAbsent(hash(member + "#" + i), member);
      }
    }
  }

  /** The members. */
  Set<String> members() {
    return members;
  }

  /** The member that owns {@code key}, or {@code null} when the ring is empty. */
  String owner(String key) {
    if (points.isEmpty()) {
      return null;
    }
    Map.Entry<Long, String> next = points.ceilingEntry(hash(key));
    return next != null ? next.getValue() : points.firstEntry().getValue();
  }

  /** 64-bit FNV-1a of the UTF-8 bytes, finished with SplitMix64's mixer for an even spread. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }
}
