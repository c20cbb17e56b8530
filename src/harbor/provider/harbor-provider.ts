import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import { hclAttributes } from './hcl-attributes';
import { HARBOR_GENERATOR_METADATA, HARBOR_PROVIDER_SOURCE, HARBOR_PROVIDER_VERSION } from './metadata';

// Schema source: goharbor/terraform-provider-harbor v3.12.4, provider/provider.go
// lines 15-63 (the provider's `Schema` map). Written by hand in the shape of the
// prebuilt cdktf bindings (@cdktf/provider-google/lib/provider).

/**
 * Configuration of the `harbor` provider.
 */
export interface HarborProviderConfig {
  /**
   * The Harbor URL, e.g. `https://harbor.example.com` (a trailing `/` is trimmed; the
   * provider appends `/api/v2.0` for api_version 2).
   *
   * provider.go:16-20: `Required: true` with `DefaultFunc: EnvDefaultFunc("HARBOR_URL", "")`;
   * required here, so that a synthesized configuration never depends on the environment.
   */
  readonly url: string;
  /**
   * Username for basic authentication.
   * @default - HARBOR_USERNAME (provider.go:21-25)
   */
  readonly username?: string;
  /**
   * Password for basic authentication (sensitive: pass a variable or a secret reference).
   * @default - HARBOR_PASSWORD (provider.go:26-30)
   */
  readonly password?: string;
  /**
   * A session id to authenticate with instead of a password.
   * @default - HARBOR_SESSION_ID (provider.go:31-35)
   */
  readonly sessionId?: string;
  /**
   * A bearer token to authenticate with instead of a password.
   * @default - HARBOR_BEARER_TOKEN (provider.go:36-40)
   */
  readonly bearerToken?: string;
  /**
   * Skip TLS verification of the Harbor endpoint. The provider's own default is `true`
   * (provider.go:41-46): set `false` to verify certificates.
   * @default - the provider's default, true (HARBOR_IGNORE_CERT)
   */
  readonly insecure?: boolean | cdktf.IResolvable;
  /**
   * The Harbor API version: 1 (`/api`) or 2 (`/api/v2.0`) (provider.go:47-51, 131-135).
   * @default 2
   */
  readonly apiVersion?: number;
  /**
   * The robot account name prefix, when the provider's identity cannot read the
   * system configuration (provider.go:52-55; resource_robot_account.go:210-214).
   * @default - read from Harbor's configuration
   */
  readonly robotPrefix?: string;
  /**
   * Custom HTTP headers set on every API request (sensitive) (provider.go:56-62).
   * @default - none
   */
  readonly headers?: { [key: string]: string };
  /**
   * Provider alias, to configure several Harbor instances in one stack.
   * @default - the default provider
   */
  readonly alias?: string;
}

/**
 * The `harbor` provider (goharbor/harbor), pinned to the version the bindings were
 * written from.
 */
export class HarborProvider extends cdktf.TerraformProvider {
  /** The Terraform type of the provider. */
  public static readonly tfResourceType = 'harbor';
  /** The provider version the bindings are written from and pin (exactly). */
  public static readonly PROVIDER_VERSION = HARBOR_PROVIDER_VERSION;
  /** The provider's registry source. */
  public static readonly PROVIDER_SOURCE = HARBOR_PROVIDER_SOURCE;

  private readonly config: HarborProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: HarborProviderConfig) {
    super(scope, id, {
      terraformResourceType: 'harbor',
      terraformGeneratorMetadata: HARBOR_GENERATOR_METADATA,
      terraformProviderSource: HARBOR_PROVIDER_SOURCE,
    });
    this.config = config;
    this._alias = config.alias;
  }

  /** The provider alias (as on the prebuilt providers, settable after construction). */
  public get alias(): string | undefined {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }

  /** The configured URL. */
  public get url(): string {
    return this.config.url;
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = hclAttributes(this.synthesizeAttributes(), {});
    if (attrs.headers) attrs.headers = { ...attrs.headers, type: 'map', storageClassType: 'stringMap' };
    return attrs;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      url: cdktf.stringToTerraform(c.url),
      username: cdktf.stringToTerraform(c.username),
      password: cdktf.stringToTerraform(c.password),
      session_id: cdktf.stringToTerraform(c.sessionId),
      bearer_token: cdktf.stringToTerraform(c.bearerToken),
      insecure: cdktf.booleanToTerraform(c.insecure),
      api_version: cdktf.numberToTerraform(c.apiVersion),
      robot_prefix: cdktf.stringToTerraform(c.robotPrefix),
      // cdktf snake-cases every key of a provider block (keysToSnakeCase in cdktf/lib/util.js,
      // which spares only `tags` and `environment`): `X-Api-Key` would be sent as
      // `x_api_key`. A resolvable is left alone and resolves to the map unchanged.
      headers: c.headers === undefined ? undefined : cdktf.Lazy.anyValue({ produce: () => cdktf.hashMapper(cdktf.stringToTerraform)(c.headers) }),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }
}
