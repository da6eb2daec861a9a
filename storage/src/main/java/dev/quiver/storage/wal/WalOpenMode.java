package dev.quiver.storage.wal;

/** What opening a log does when it finds damage (see {@link WalFormat}), as opposed to a torn tail. */
public enum WalOpenMode {
    /** Refuse: throw {@link LogDamageException} and change nothing. The default. */
    REFUSE_DAMAGE,
    /**
     * Open with the records before the damage: the damaged segment is copied aside and cut at the damage, every later
     * segment is renamed aside (never deleted), and {@link WalRecovery} names them.
     */
    OPEN_UP_TO_DAMAGE
}
