// Signatures over imported documents: detached CMS (.p7s) of protocols (UA-3, UA-4).
export { verifyDetachedCms, type CmsVerification } from './cms';
export { verifyDstuCms, isDstuCms, type DstuTrust } from './dstu';
