package io.brokersim.core.trace;

/**
 * The {@link FateLedger}'s messages by msgId, and in publish order: an open-addressing table (linear probing,
 * at most half full) with the keys' hash codes beside it, so a probe reads a message only when the hash
 * matches, and no entry objects; publish order is a chain through {@link LedgerMessage#next} and
 * {@link LedgerMessage#previous}. A ledger with a window of settled messages removes the oldest ones
 * ({@link #remove}); an unbounded one never does.
 */
final class MessageIndex {

  private static final int INITIAL_SLOTS = 1024;

  private LedgerMessage[] table = new LedgerMessage[INITIAL_SLOTS];
  private int[] hashes = new int[INITIAL_SLOTS];
  private int size;
  private LedgerMessage first;
  private LedgerMessage last;

  /** The message with this id, or null. */
  LedgerMessage get(String msgId) {
    int h = msgId.hashCode();
    LedgerMessage[] t = table;
    int[] hs = hashes;
    int mask = t.length - 1;
    for (int i = slot(h, mask); ; i = (i + 1) & mask) {
      LedgerMessage m = t[i];
      if (m == null) {
        return null;
      }
      if (hs[i] == h && (m.msgId == msgId || m.msgId.equals(msgId))) {
        return m;
      }
    }
  }

  /** Adds {@code m}, last in publish order, unless a message with its id is there: then returns that one. */
  LedgerMessage putIfAbsent(LedgerMessage m) {
    if (2 * (size + 1) > table.length) {
      grow();
    }
    String msgId = m.msgId;
    int h = msgId.hashCode();
    LedgerMessage[] t = table;
    int[] hs = hashes;
    int mask = t.length - 1;
    int i = slot(h, mask);
    for (LedgerMessage at = t[i]; at != null; at = t[i]) {
      if (hs[i] == h && at.msgId.equals(msgId)) {
        return at;
      }
      i = (i + 1) & mask;
    }
    t[i] = m;
    hs[i] = h;
    size++;
    m.previous = last;
    if (last == null) {
      first = m;
    } else {
      last.next = m;
    }
    last = m;
    return null;
  }

  /**
   * Removes {@code m} (the instance the index holds) from the table and from publish order; false if it is not
   * there. The entries after it in its probe run move back into the gap (backward-shift deletion), so lookups
   * need no tombstones.
   */
  boolean remove(LedgerMessage m) {
    LedgerMessage[] t = table;
    int[] hs = hashes;
    int mask = t.length - 1;
    int i = slot(m.msgId.hashCode(), mask);
    while (t[i] != m) {
      if (t[i] == null) {
        return false;
      }
      i = (i + 1) & mask;
    }
    int hole = i;
    for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
      int home = slot(hs[j], mask);
      // The entry at j may fill the hole unless its home slot lies cyclically in (hole, j].
      boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        t[hole] = t[j];
        hs[hole] = hs[j];
        hole = j;
      }
    }
    t[hole] = null;
    hs[hole] = 0;
    size--;
    if (m.previous == null) {
      first = m.next;
    } else {
      m.previous.next = m.next;
    }
    if (m.next == null) {
      last = m.previous;
    } else {
      m.next.previous = m.previous;
    }
    m.previous = null;
    m.next = null;
    return true;
  }

  /** The first message in publish order; follow {@link LedgerMessage#next}. */
  LedgerMessage first() {
    return first;
  }

  /** The last message in publish order; follow {@link LedgerMessage#previous}. */
  LedgerMessage last() {
    return last;
  }

  int size() {
    return size;
  }

  private void grow() {
    LedgerMessage[] oldTable = table;
    int[] oldHashes = hashes;
    LedgerMessage[] t = new LedgerMessage[oldTable.length * 2];
    int[] hs = new int[t.length];
    int mask = t.length - 1;
    for (int j = 0; j < oldTable.length; j++) {
      LedgerMessage m = oldTable[j];
      if (m != null) {
        int h = oldHashes[j];
        int i = slot(h, mask);
        while (t[i] != null) {
          i = (i + 1) & mask;
        }
        t[i] = m;
        hs[i] = h;
      }
    }
    table = t;
    hashes = hs;
  }

  private static int slot(int hash, int mask) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
