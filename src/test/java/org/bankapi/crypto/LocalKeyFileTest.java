package org.bankapi.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void createsTheKeyOnceOwnerOnlyAndNeverRegeneratesIt() throws Exception {
        LocalKeyFile first = new LocalKeyFile(dir);
        byte[] dataKey = Aes.newKey();
        byte[] wrapped = first.wrapCurrent(dataKey).wrappedKey();
        Path file = dir.resolve("kek-1.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String content = Files.readString(file);

        LocalKeyFile second = new LocalKeyFile(dir);
        assertThat(Files.readString(file)).isEqualTo(content);
        assertThat(second.currentId()).isEqualTo(first.currentId());
        assertThat(second.unwrap(first.currentId(), wrapped)).isEqualTo(dataKey);
    }

    @Test
    void rotationAddsAVersionAndOldVersionsStillUnwrap() {
        LocalKeyFile keys = new LocalKeyFile(dir);
        byte[] dataKey = Aes.newKey();
        String oldId = keys.currentId();
        byte[] wrapped = keys.wrapCurrent(dataKey).wrappedKey();
        String newId = keys.rotate();
        assertThat(newId).isEqualTo("local:kek-2").isNotEqualTo(oldId);
        assertThat(keys.unwrap(oldId, wrapped)).isEqualTo(dataKey);
        assertThatThrownBy(() -> keys.unwrap(newId, wrapped)).isInstanceOf(CryptoException.class);
        assertThat(new LocalKeyFile(dir).currentId()).isEqualTo(newId);
    }
}
