/// The JSON Schema of `lockmaster.yaml`: the one description of its keys. `SettingsLoader` validates
/// against it, `lockmaster schema` prints it, `init` writes it beside the file for editors, and
/// `docs/schemas/lockmaster.yaml.schema.json` and `docs/lockmaster-yaml.md` are generated from it.
public enum SettingsSchema {
    /// Where `init` writes the schema, beside `lockmaster.yaml`, and the line that points editors at it.
    public static let fileName = "lockmaster.schema.json"
    public static let modeline = "# yaml-language-server: $schema=\(fileName)"

    public static let json = #"""
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "lockmaster.yaml",
          "description": "Lockmaster settings, at the repository root. Every key is optional.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "branch": {
              "description": "The branch of record, which development tracks. Without this key: the remote's default branch (origin/HEAD), else main, else master.",
              "type": "string", "minLength": 1, "default": "main", "examples": ["main"]
            },
            "clustersDir": {
              "description": "The directory with one sub-directory per environment.",
              "type": "string", "minLength": 1, "default": "clusters", "examples": ["clusters"]
            },
            "platformPaths": {
              "description": "Repository paths that make up the platform; a Kustomization whose path is under one is a platform Kustomization, and they are what an artifact holds.",
              "type": "array", "items": {"type": "string", "minLength": 1}, "default": ["platform"], "examples": [["platform", "shared/crds"]]
            },
            "ignore": {
              "description": "gitignore-style patterns left out of the platform artifact, applied after .sourceignore files.",
              "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["*.md", "platform/**/test-values.yaml"]]
            },
            "artifact": {
              "description": "Where platform artifacts are published: oci://HOST/REPO for a registry, or a local OCI image layout directory.",
              "type": "string", "minLength": 1, "examples": ["oci://ghcr.io/acme/platform"]
            },
            "environments": {
              "description": "The promotion order: the environment that tracks the branch, the one that tracks a semver range, the pinned one. status lists these first; check and promote read it.",
              "type": "array", "items": {"type": "string", "minLength": 1}, "default": ["development", "staging", "production"], "examples": [["development", "staging", "production"]]
            },
            "pinDigest": {
              "description": "promote also sets spec.ref.digest, so Flux pulls by digest; the tag stays for people.",
              "type": "boolean", "default": false, "examples": [true]
            },
            "remoteHosts": {
              "description": "Hosts (host or host:port) that render and diff --allow-remote may fetch a kustomization's remote files from; Lockmaster fetches them itself, never the confined build. check and diff read this from the base.",
              "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["raw.githubusercontent.com"]]
            },
            "artifactSizeLimitMiB": {
              "description": "The most an artifact may inflate to when render, diff or promote read it (MiB); a larger one stops with an error.",
              "type": "integer", "minimum": 1, "default": 512, "examples": [2048]
            },
            "contexts": {
              "description": "The kube context of each environment's cluster, asked by status --live.",
              "type": "object", "additionalProperties": {"type": "string", "minLength": 1}, "default": {}, "examples": [{"development": "dev-eu-1", "staging": "stage-eu-1", "production": "prod-eu-1"}]
            },
            "fluxVersion": {
              "description": "The Flux each environment runs, where nothing in git says (no gotk-components.yaml header, FluxInstance, flux-manifests OCIRepository or install base): check judges removed and deprecated Flux APIs by it.",
              "type": "object", "additionalProperties": {"type": "string", "pattern": "^v?(0|2)[.][0-9]+([.][0-9]+)?$"}, "default": {}, "examples": [{"production": "2.4", "staging": "v2.5.1"}]
            },
            "signing": {
              "description": "cosign-compatible signatures: the key publish signs with, the public keys verify and promote trust, and the environments that must run signed versions.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "key": {
                  "description": "The ECDSA P-256 private key (PKCS#8 PEM) publish signs with; a path, ~ for the home directory. --sign-key and LOCKMASTER_SIGNING_KEY come first. Keep it out of the repository.",
                  "type": "string", "minLength": 1, "examples": ["~/.config/lockmaster/cosign.key"]
                },
                "trustedKeys": {
                  "description": "Public keys (PKIX PEM, the cosign.pub of Flux's verify Secret) as paths in the repository; a signature verifies when one of them made it.",
                  "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["keys/cosign.pub"]]
                },
                "require": {
                  "description": "Environments promote refuses to pin to a version no trusted key signed, beyond those whose OCIRepository has spec.verify.",
                  "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["production"]]
                }
              }
            },
            "check": {
              "description": "How the merge guard's rules apply to this estate. check reads it from the base, never from the change.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "rules": {
                  "description": "By rule id (check --help lists them): off, warning or error. off reports nothing; warning or error sets the severity of every finding of the rule.",
                  "type": "object", "additionalProperties": false, "default": {}, "examples": [{"staging-patch-range": "off", "unpinned-chart": "error"}],
                  "properties": {
                    "sync-file-changed": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "sandbox-in-main": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "development-tracks-main": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "staging-patch-range": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "production-pinned": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "dangling-source-ref": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "dangling-depends-on": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "depends-on-cycle": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "duplicate-object": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "build-failed": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "not-rendered": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "unpinned-chart": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "deprecated-api": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "parse-error": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "symlink": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "unverified-source": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "sandbox-expired": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "settings-changed": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "environment-removed": {"type": "string", "pattern": "^(off|warning|error)$"},
                    "source-ignore-changed": {"type": "string", "pattern": "^(off|warning|error)$"}
                  }
                },
                "exclude": {
                  "description": "gitignore-style paths, by rule id, where that rule's findings are not reported.",
                  "type": "object", "additionalProperties": false, "default": {}, "examples": [{"deprecated-api": ["legacy/**"]}],
                  "properties": {
                    "sync-file-changed": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "sandbox-in-main": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "development-tracks-main": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "staging-patch-range": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "production-pinned": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "dangling-source-ref": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "dangling-depends-on": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "depends-on-cycle": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "duplicate-object": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "build-failed": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "not-rendered": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "unpinned-chart": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "deprecated-api": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "parse-error": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "symlink": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "unverified-source": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "sandbox-expired": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "settings-changed": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "environment-removed": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "source-ignore-changed": {"type": "array", "items": {"type": "string", "minLength": 1}}
                  }
                }
              }
            },
            "sandbox": {
              "description": "How sandboxes are made and destroyed.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "from": {
                  "description": "The environment a sandbox is cloned from.",
                  "type": "string", "minLength": 1, "default": "development", "examples": ["development"]
                },
                "namePattern": {
                  "description": "A regular expression every sandbox name must match: ticket prefix and a hyphenated summary, such as OPS-123-add-keda.",
                  "type": "string", "minLength": 1, "format": "regex", "default": "^[A-Z][A-Z0-9]*-[0-9]+(-[a-z0-9]+)+$", "examples": ["^[A-Z]+-[0-9]+(-[a-z0-9]+)+$"]
                },
                "exclude": {
                  "description": "Paths inside the source environment that a sandbox does not copy.",
                  "type": "array", "items": {"type": "string", "minLength": 1}, "default": ["flux-system/gotk-sync.yaml"], "examples": [["flux-system/gotk-sync.yaml"]]
                },
                "ttl": {
                  "description": "How long a sandbox's lease runs when sandbox create or sandbox extend get no --ttl: a number and a unit, s, m, h, d or w (the grammar of --ttl), at most a century.",
                  "type": "string", "pattern": "^[0-9]+([.][0-9]+)?[smhdw]?$", "default": "7d", "examples": ["7d", "36h"]
                },
                "max": {
                  "description": "The most sandboxes open at once (on branches not merged into the branch of record); sandbox create refuses past it, naming the oldest.",
                  "type": "integer", "minimum": 1, "examples": [5]
                },
                "protected": {
                  "description": "Branch names sandbox gc never collects, besides main, master, the branch of record, every environment and every branch an environment tracks.",
                  "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["release", "hotfix"]]
                },
                "contextTemplate": {
                  "description": "The kube context of a sandbox's cluster for sandbox gc, with {name} (the branch) and {directory} (sandbox-<name>) filled in; without it gc takes contexts from --context only, never from contexts.",
                  "type": "string", "minLength": 1, "examples": ["kind-{directory}", "sandbox-{name}"]
                },
                "hooks": {
                  "description": "Commands run with bash -c, in order, with LOCKMASTER_SANDBOX, LOCKMASTER_BRANCH, LOCKMASTER_PATH and LOCKMASTER_REPO_URL set.",
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "create": {
                      "description": "Commands run after a sandbox is created: make its cluster and bootstrap Flux.",
                      "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["make -C infra sandbox NAME=$LOCKMASTER_SANDBOX"]]
                    },
                    "destroy": {
                      "description": "Commands run by sandbox delete after the teardown: destroy the sandbox's cluster.",
                      "type": "array", "items": {"type": "string", "minLength": 1}, "default": [], "examples": [["make -C infra destroy NAME=$LOCKMASTER_SANDBOX"]]
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
