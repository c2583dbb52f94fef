package org.bankapi.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key-encryption keys kept as files ({@code kek-N.key}, owner-only) under the data directory, for
 * deployments without Key Vault. An existing key is never regenerated: losing it loses the data.
 */
public final class LocalKeyFile implements KeyEncryptionKey {

    private static final String PREFIX = "local:kek-";
    private final Path directory;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private volatile String currentId;

    public LocalKeyFile(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CryptoException("cannot create key directory " + directory, e);
        }
        int newest = newestVersion();
        if (newest == 0) {
            newest = 1;
            create(newest);
        }
        this.currentId = PREFIX + newest;
    }

    @Override
    public String currentId() {
        return currentId;
    }

    /** Adds a new key version and makes it current; the older ones stay to unwrap what they wrapped. */
    public synchronized String rotate() {
        int next = newestVersion() + 1;
        create(next);
        currentId = PREFIX + next;
        return currentId;
    }

    /** Makes the newest key file current, e.g. one that {@code rotate-keys} wrote from another process. */
    public synchronized String refresh() {
        int newest = newestVersion();
        if (newest > 0) {
            currentId = PREFIX + newest;
        }
        return currentId;
    }

    @Override
    public Wrapped wrapCurrent(byte[] dataKey) {
        String id = currentId;
        return new Wrapped(id, Aes.encrypt(key(id), dataKey, id.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] unwrap(String keyId, byte[] wrappedKey) {
        return Aes.decrypt(key(keyId), wrappedKey, keyId.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] key(String keyId) {
        if (!keyId.startsWith(PREFIX)) {
            throw new CryptoException("key " + keyId + " is not a local key file");
        }
        return keys.computeIfAbsent(keyId, id -> read(file(Integer.parseInt(id.substring(PREFIX.length())))));
    }

    private int newestVersion() {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("kek-\\d+\\.key"))
                    .mapToInt(n -> Integer.parseInt(n.substring(4, n.length() - 4)))
                    .max()
                    .orElse(0);
        } catch (IOException e) {
            throw new CryptoException("cannot list key directory " + directory, e);
        }
    }

    private Path file(int version) {
        return directory.resolve("kek-" + version + ".key");
    }

    private void create(int version) {
        Path file = file(version);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(Aes.newKey()) + "\n");
        } catch (FileAlreadyExistsException e) {
            // another instance created it first: use theirs
        } catch (UnsupportedOperationException e) {
            try {
                Files.writeString(file, Base64.getEncoder().encodeToString(Aes.newKey()) + "\n");
            } catch (IOException io) {
                throw new CryptoException("cannot write key file " + file, io);
            }
        } catch (IOException e) {
            throw new CryptoException("cannot write key file " + file, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
            if (key.length != Aes.KEY_BYTES) {
                throw new CryptoException("key file " + file + " does not hold a 256-bit key");
            }
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new CryptoException("cannot read key file " + file, e);
        }
    }
}
