package dev.quiver.internal.db;

import dev.quiver.InvalidCollectionNameException;

/**
 * vctrs's collection-name rules (checked in this order, with its messages): not empty; no {@code /} or {@code \},
 * not {@code .} or {@code ..}; only Unicode letters and digits, {@code -} and {@code _}.
 */
public final class CollectionNames {

    private CollectionNames() {
    }

    public static void check(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid("name cannot be empty");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.equals(".") || name.equals("..")) {
            throw invalid("name cannot contain path separators or be '.' or '..'");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!(isAlphanumeric(cp) || cp == '-' || cp == '_')) {
                throw invalid("name must be alphanumeric, hyphens, or underscores");
            }
            i += Character.charCount(cp);
        }
    }

    /** Rust's {@code char::is_alphanumeric}: the Alphabetic property or a numeric general category (Nd, Nl, No). */
    private static boolean isAlphanumeric(int cp) {
        if (Character.isAlphabetic(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private static InvalidCollectionNameException invalid(String msg) {
        return new InvalidCollectionNameException("invalid collection name: " + msg);
    }
}
