package io.ferrum.driver.libvirt;

import com.sun.jna.Pointer;
import io.ferrum.driver.DriverException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.ConnectAuth;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;

/**
 * One libvirt connection per URI and user, opened on first use and reopened when it breaks. libvirt
 * connections are thread-safe, so nodes share them. Thread-safe.
 */
final class LibvirtConnections {

  private static final Libvirt.VirErrorCallback SILENT =
      new Libvirt.VirErrorCallback() {
        @Override
        public void errorCallback(Pointer userData, virError error) {
          // libvirt prints every error to stderr by default; Ferrum reports them itself.
        }
      };

  private final Map<String, Connect> open = new ConcurrentHashMap<>();
  private volatile boolean silenced;

  /** The connection for {@code uri} (and SASL credentials, if given). */
  Connect get(String uri, String user, String password) throws LibvirtException {
    silence();
    String key = uri + "\u0000" + (user == null ? "" : user);
    Connect connection = open.get(key);
    if (connection != null) {
      return connection;
    }
    synchronized (this) {
      connection = open.get(key);
      if (connection == null) {
        connection = user == null ? new Connect(uri) : new Connect(uri, sasl(user, password), 0);
        open.put(key, connection);
      }
      return connection;
    }
  }

  /** Forgets (and closes) a broken connection, so the next call reconnects. */
  void drop(String uri, String user) {
    Connect connection = open.remove(uri + "\u0000" + (user == null ? "" : user));
    if (connection != null) {
      try {
        connection.close();
      } catch (LibvirtException e) {
        // Already broken; nothing more to do.
      }
    }
  }

  private void silence() {
    if (silenced) {
      return;
    }
    synchronized (this) {
      if (!silenced) {
        try {
          Connect.setErrorCallback(SILENT);
        } catch (LibvirtException | RuntimeException e) {
          throw new DriverException("libvirt could not be initialised: " + e.getMessage(), e);
        } catch (LinkageError e) {
          throw new DriverException(
              "libvirt is not installed on the conductor's host (Debian: apt-get install"
                  + " libvirt0): "
                  + e.getMessage(),
              e);
        }
        silenced = true;
      }
    }
  }

  private static ConnectAuth sasl(String user, String password) {
    ConnectAuth auth =
        new ConnectAuth() {
          @Override
          public int callback(Credential[] credentials) {
            for (Credential credential : credentials) {
              switch (credential.type) {
                case VIR_CRED_AUTHNAME, VIR_CRED_USERNAME -> credential.result = user;
                case VIR_CRED_PASSPHRASE -> credential.result = password;
                default -> {
                  return -1;
                }
              }
            }
            return 0;
          }
        };
    auth.credType =
        new ConnectAuth.CredentialType[] {
          ConnectAuth.CredentialType.VIR_CRED_AUTHNAME,
          ConnectAuth.CredentialType.VIR_CRED_PASSPHRASE
        };
    return auth;
  }
}
