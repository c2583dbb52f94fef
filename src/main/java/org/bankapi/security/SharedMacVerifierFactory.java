package org.bankapi.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import java.security.Key;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Hands out one {@link MACVerifier} for the service's one HS256 secret. Nimbus's default factory builds a
 * new verifier (and copies the key) for every token it checks; the verifier holds only the secret and its
 * header policy, so one instance serves every request. Any other key falls back to the default factory.
 */
final class SharedMacVerifierFactory implements JWSVerifierFactory {

    private final DefaultJWSVerifierFactory fallback = new DefaultJWSVerifierFactory();
    private final SecretKey key;
    private final MACVerifier verifier;

    SharedMacVerifierFactory(SecretKey key) {
        this.key = key;
        try {
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the HS256 secret cannot make a verifier: " + e.getMessage(), e);
        }
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key candidate) throws JOSEException {
        if (candidate == key && JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            return verifier;
        }
        return fallback.createJWSVerifier(header, candidate);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return fallback.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
        return fallback.getJCAContext();
    }
}
