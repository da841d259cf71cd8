/** The ID types of the product document, in its order, with their display names. */
export const ID_TYPES: readonly { code: string; displayName: string }[] = [
  { code: 'ONEID', displayName: 'OneID' },
  { code: 'EMAIL', displayName: 'Email address' },
  { code: 'MOBILE', displayName: 'Mobile number' },
  { code: 'TAOBAO_ID', displayName: 'Taobao ID' },
  { code: 'TAOBAO_NICK', displayName: 'Taobao nickname' },
  { code: 'IMEI', displayName: 'Mobile phone IMEI' },
  { code: 'IMSI', displayName: 'Mobile phone IMSI' },
  { code: 'IDFA', displayName: 'Mobile phone IDFA' },
  { code: 'MAC_ORG', displayName: 'MAC address' },
  { code: 'WEIBO_ID_ORG', displayName: 'Weibo ID' },
  { code: 'ALIPAY_ID', displayName: 'Alipay ID' },
  { code: 'UNION_ID', displayName: 'WeChat UnionID' },
  { code: 'OAID', displayName: 'OAID' },
  { code: 'OPEN_ID', displayName: 'WeChat OpenID' },
];
